import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val a    = Input(UInt(1.W))
    val q    = Output(UInt(3.W))
  })
  val q = RegInit(0.U(3.W))
  when(io.a) { q := q + 1.U }
  io.q := q
}
