import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk = IO(Input(Clock()))
  val areset = IO(Input(Bool())).asAsyncReset
  val q = IO(Output(UInt(4.W)))

  val count = RegInit(0.U(4.W))

  when(areset) { q := 0.U }
  else {
    when(clk) {
      count := count + 1.U
    }
    when(count === 9.U) { count := 0.U }
  }
}
