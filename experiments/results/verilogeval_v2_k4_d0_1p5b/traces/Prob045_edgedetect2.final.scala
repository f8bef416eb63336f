import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val in    = Input(UInt(8.W))
    val anyedge = Output(UInt(8.W))
  })
  val anyedge = RegInit(0.U(8.W)) // resetn is the implicit reset: the harness inverts it
  anyedge := anyedge ^ io.in.xorR
  io.anyedge := anyedge
}
