import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val q    = Output(UInt(4.W))
  })
  val counter = Counter(4.W, reset.asAsyncReset)
  counter.io.en := io.reset.asBool
  counter.io.value := io.q
}
