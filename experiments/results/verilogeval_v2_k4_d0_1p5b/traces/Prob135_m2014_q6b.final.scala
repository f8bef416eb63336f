import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val y = Input(UInt(3.W))
    val w = Input(Bool())
    val Y1 = Output(Bool())
  })
  val y = RegInit(0.U(3.W)) // resetn is the implicit reset: the harness inverts it
  y := y ^ io.w.asUInt
  io.Y1 := y(1)
}
