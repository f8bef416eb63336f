import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in     = Input(UInt(8.W))
    val parity = Output(Bool())
  })
  val parity = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  parity := parity ^ io.in.xorR
  io.parity := parity
}
