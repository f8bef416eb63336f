import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val c = Input(UInt(1.W))
    val d = Input(UInt(1.W))
    val q = Output(UInt(1.W))
  })
  val q = RegInit(false.B) // reset is the implicit reset: the harness inverts it
  q := q ^ (io.a ^ io.b ^ io.c ^ io.d)
  io.q := q
}
