import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val in    = IO(Input(Bool()))
  val out   = IO(Output(Bool()))

  withClockAndReset(clk, areset) {
    val state = RegInit(0.U(1.W))
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
    out := state.asBool
  }
}
