import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val reset = IO(Input(Bool()))
  val d     = IO(Input(UInt(8.W)))
  val q     = IO(Output(UInt(8.W)))
  withClockAndReset(clk, reset) {
    q := RegNext(d, 0.U(8.W))
  }
}
