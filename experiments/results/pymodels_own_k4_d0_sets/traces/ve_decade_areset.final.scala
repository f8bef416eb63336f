import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val q = IO(Output(UInt(4.W)))

  withClockAndReset(clk, areset) {
    val counter = Counter(4.W, areset.asAsyncReset)
    q := counter.io.q
  }
}
