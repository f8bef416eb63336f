import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val in = IO(Input(Bool()))
  val out = IO(Output(Bool()))

  // State register
  val state = RegInit(0.U(2.W))

  // Moore machine
  switch(state) {
    is(0.U) {
      when(in) {
        state := 1.U
      }
    }
    is(1.U) {
      when(in) {
        state := 0.U
      }
    }
  }

  // Output
  out := state === 1.U
}
