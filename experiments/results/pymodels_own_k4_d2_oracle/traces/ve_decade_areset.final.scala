import chisel3._
import chisel3.util._
import chisel3.stage.{ChiselStage, EmitVerilog}
import chisel3.util.experimental.RequireAsyncReset
import chisel3.util.experimental.AsyncReset

class TopModule extends RawModule with RequireAsyncReset {
  val clk   = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val q = IO(Output(UInt(4.W)))

  withClockAndReset(clk, !areset.asAsyncReset) {
    val best = RegInit(0.U(4.W))
    when(q(3)) { best := 0.U(4.W) }
    when(q(2)) { best := best + 1.U }
    when(q(1)) { best := best + 2.U }
    when(q(0)) { best := best + 3.U }
    q := best
  }
}
