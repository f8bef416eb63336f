import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val c = Input(UInt(8.W))
    val d = Input(UInt(8.W))
    val q = Output(UInt(1.W))
  })
  val q = io.a ^ io.b ^ io.c ^ io.d
  io.q := q
}
