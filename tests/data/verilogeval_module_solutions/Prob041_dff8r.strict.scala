import chisel3._
import chisel3.util._

// Strict form: explicit clk/reset ports and withClockAndReset.
class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val d     = IO(Input(UInt(8.W)))
  val reset = IO(Input(Bool()))
  val q     = IO(Output(UInt(8.W)))
  withClockAndReset(clk, reset) {
    q := RegNext(d, 0.U(8.W))
  }
}
