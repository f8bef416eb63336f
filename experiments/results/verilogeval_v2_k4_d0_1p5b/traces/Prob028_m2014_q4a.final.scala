import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val d    = Input(UInt(1.W))
    val ena = Input(Bool())
    val q    = Output(UInt(1.W))
  })
  val q = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  q := q ^ io.d
  io.q := q
}
