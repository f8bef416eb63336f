import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(8.W))
    val done = Output(Bool())
  })
  val state = RegInit(0.U(2.W)) // resetn is the implicit reset: the harness inverts it
  val peak = RegInit(0.U(8.W)) // resetn is the implicit reset: the harness inverts it
  switch(state) {
    is(0)  { when(io.in > peak) { peak := io.in } }
    is(1)  { when(io.done) { state := 0 } }
  }
  io.state  := state.asUInt
  io.done  := state === 1
}
