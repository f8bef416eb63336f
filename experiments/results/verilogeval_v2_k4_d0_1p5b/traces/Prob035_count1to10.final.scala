import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = IO(Input(UInt(4.W)))
    val q    = Output(UInt(4.W))
  })
  val q = RegInit(0.U(4.W)) // resetn is the implicit reset: the harness inverts it
  q := q ^ io.in.xorR
  io.q := q
}
