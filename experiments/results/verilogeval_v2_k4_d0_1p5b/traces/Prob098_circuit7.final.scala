import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val a     = Input(Bool())
    val q     = Output(Bool())
  })
  val q = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  q := q ^ io.a
  io.q := q
}
