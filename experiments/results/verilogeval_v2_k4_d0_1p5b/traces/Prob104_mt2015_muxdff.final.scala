import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val L     = Input(Bool())
    val q_in  = Input(UInt(1.W))
    val r_in  = Input(UInt(1.W))
    val Q     = Output(UInt(1.W))
  })
  val q = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  q := q ^ io.q_in.xorR
  io.Q := q
}
