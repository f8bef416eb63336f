import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val y = Input(UInt(6.W))
    val w = Input(UInt(1.W))
    val Y1 = Output(Bool())
    val Y3 = Output(Bool())
  })
  val y = RegInit(0.U(6.W))
  val Y1 = RegInit(false.B)
  val Y3 = RegInit(false.B)
  val state = RegInit(0.U(2.W))
  switch(state) {
    is(0.U) { when(y(5) === 1.U) { state := 1.U } }
    is(1.U) { when(y(5) === 0.U) { state := 0.U } }
    is(2.U) { when(y(5) === 1.U) { state := 3.U } }
    is(3.U) { when(y(5) === 0.U) { state := 2.U } }
  }
  io.Y1 := state(1)
  io.Y3 := state(3)
}
