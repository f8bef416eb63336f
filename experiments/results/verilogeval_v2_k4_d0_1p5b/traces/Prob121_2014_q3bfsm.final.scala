import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val x     = Input(UInt(1.W))
    val z     = Output(UInt(1.W))
  })
  val z = RegInit(false.B) // reset is the implicit reset: the harness inverts it
  z := z ^ io.x
  io.z := z
}
