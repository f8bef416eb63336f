import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val x     = Input(UInt(1.W))
    val y     = Input(UInt(3.W))
    val Y0    = Output(UInt(1.W))
    val z     = Output(UInt(1.W))
  })
  val y0 = RegInit(0.U(1.W)) // resetn is the implicit reset: the harness inverts it
  y0 := y0 ^ io.x
  io.Y0 := y0
  io.z := y0
}
