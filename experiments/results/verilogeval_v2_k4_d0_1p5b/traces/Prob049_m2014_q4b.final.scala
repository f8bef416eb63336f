import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val ar    = Input(Bool())
    val d    = Input(UInt(1.W))
    val q    = Output(UInt(1.W))
  })
  val q = RegInit(0.U(1.W)) // resetn is the implicit reset: the harness inverts it
  q := q ^ io.d
  io.q := q
}
