import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val c = Input(UInt(1.W))
    val d = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })
  val sum = RegInit(0.U(1.W))
  sum := sum ^ io.a ^ io.b ^ io.c ^ io.d
  io.out := sum
}
