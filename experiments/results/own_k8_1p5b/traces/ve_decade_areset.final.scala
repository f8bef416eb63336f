import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val q = IO(Output(UInt(4.W)))

  requireAsyncReset(areset.asBool)

  val counter = Counter(width = 4)
  counter.clock := clk
  counter.asynchronousReset := areset.asBool
  counter.io.q := q
}
