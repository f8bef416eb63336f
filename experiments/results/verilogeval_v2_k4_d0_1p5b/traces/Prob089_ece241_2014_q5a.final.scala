import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val x     = Input(UInt(8.W))
    val z     = Output(UInt(8.W))
  })
  val z = RegInit(0.U(8.W))
  z := z ^ io.x
  io.z := z
}
