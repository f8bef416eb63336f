import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val q     = IO(Output(UInt(4.W)))

  withClockAndReset(clk, areset) {
    val counter = RegInit(0.U(4.W))
    when(areset.asBool) {
      counter := 0.U(4.W)
    } .otherwise {
      when(q <= 8.U - 1.U) {
        counter := counter + 1.U
      }
      q := counter
    }
  }
}
