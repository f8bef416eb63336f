import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val in    = Input(UInt(8.W))
    val pedge = Output(UInt(8.W))
  })
  val pedge = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  pedge := pedge ^ io.in.xorR
  io.pedge := pedge
}
