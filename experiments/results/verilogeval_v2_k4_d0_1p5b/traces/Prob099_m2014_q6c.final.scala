import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val y   = Input(UInt(6.W))
    val w   = Input(UInt(1.W))
    val Y1  = Output(UInt(1.W))
    val Y3  = Output(UInt(1.W))
  })
  val y = io.y
  val w = io.w
  val Y1 = RegInit(false.B)
  val Y3 = RegInit(false.B)
  val state = RegInit(0.U(2.W))
  switch(state) {
    is(0)  { when(y(5)) { state := 1.U } }
    is(1)  { when(y(4)) { state := 2.U } }
    is(2)  { when(y(3)) { state := 3.U } }
    is(3)  { when(y(2)) { state := 4.U } }
    is(4)  { when(y(1)) { state := 0.U } }
  }
  io.Y1 := state(0)
  io.Y3 := state(1)
}
