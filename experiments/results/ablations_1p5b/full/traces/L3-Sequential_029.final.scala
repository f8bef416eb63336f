import chisel3._
import chisel3.util._

class CounterMod100 extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val count = Output(UInt(8.W))
  })

  val counter = Counter(8)
  when(io.en) { counter.inc() }
  io.count := counter.value
}
