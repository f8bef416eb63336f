import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val in    = IO(Input(Bool()))
  val out = IO(Output(Bool()))

  withClockAndReset(clk, areset) {
    val state = RegInit(0.U(1.W))

    when(state === 0.U) {
      when(in === 1.U) {
        state := 1.U
      }
    } else {
      when(in === 0.U) {
        state := 0.U
      }
    }

    out := state === 1.U
  }
}
