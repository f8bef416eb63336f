import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val j    = Input(Bool())
    val k    = Input(Bool())
    val out  = Output(Bool())
  })
  val state = RegInit(0.U(2.W))
  switch(state) {
    is(0)  { when(io.j) { state := 1 } }
    is(1)  { when(io.k) { state := 2 } }
    is(2)  { when(io.j) { state := 0 } }
  }
  io.out := state.asUInt
}
