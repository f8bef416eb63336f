import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val w     = Input(UInt(4.W))
    val z     = Output(UInt(1.W))
  })
  val z = RegInit(0.U(1.W)) // resetn is the implicit reset: the harness inverts it
  z := z ^ io.w.asUInt
  io.z := z
}
