import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a   = Input(UInt(8.W))
    val b   = Input(UInt(8.W))
    val c   = Input(UInt(8.W))
    val d   = Input(UInt(8.W))
    val min = Output(UInt(8.W))
  })
  val min = RegInit(0.U(8.W))
  when(io.a < min) { min := io.a }
  when(io.b < min) { min := io.b }
  when(io.c < min) { min := io.c }
  when(io.d < min) { min := io.d }
  io.min := min
}
