import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val c = Input(UInt(1.W))
    val d = Input(UInt(1.W))
    val e = Input(UInt(1.W))
    val out = Output(UInt(25.W))
  })
  val out = RegInit(VecInit.fill(25)(0.U(1.W)))
  for (i <- 0 until 25) {
    val pair = VecInit(io.a, io.b, io.c, io.d, io.e)
    val sum = pair.reduce(_ ^ _)
    out(i) := sum
  }
  io.out := out
}
