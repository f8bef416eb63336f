import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val q = IO(Output(UInt(4.W)))

  withClockAndReset(clk, reset) {
    val best = RegInit(0.U(4.W))
    when(q(3)) { best := 0.U(4.W) }
    when(q(2)) { best := best + 1.U }
    when(q(1)) { best := best + 2.U }
    when(q(0)) { best := best + 3.U }
    q := best
  }
}
