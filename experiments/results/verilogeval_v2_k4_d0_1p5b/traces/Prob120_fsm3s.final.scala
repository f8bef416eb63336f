import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(4.W))
    val out   = Output(Bool())
  })
  val odd = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  odd := odd ^ io.in.xorR
  io.out := odd
}
