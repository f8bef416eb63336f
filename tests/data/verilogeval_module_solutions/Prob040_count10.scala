import chisel3._
import chisel3.util._

// A decade counter 0..9 with an active-high synchronous reset, using chisel3.util.Counter.
class TopModule extends Module {
  val io = IO(new Bundle {
    val q = Output(UInt(4.W))
  })
  val counter = Counter(10)
  counter.inc()
  io.q := counter.value
}
