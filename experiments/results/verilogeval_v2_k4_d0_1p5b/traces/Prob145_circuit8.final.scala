import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val a    = Input(Bool())
    val p    = Output(Bool())
    val q    = Output(Bool())
  })
  val p = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val q = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val a = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  p := a ^ q
  q := a ^ p
  io.p := p
  io.q := q
}
