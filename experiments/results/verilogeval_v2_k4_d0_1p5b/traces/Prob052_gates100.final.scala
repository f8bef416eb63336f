import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(100.W))
    val out_and = Output(UInt(100.W))
    val out_or = Output(UInt(100.W))
    val out_xor = Output(UInt(100.W))
  })
  val out_and = RegInit(0.U(100.W))
  val out_or = RegInit(0.U(100.W))
  val out_xor = RegInit(0.U(100.W))
  when(io.in > out_and) { out_and := io.in }
  when(io.in > out_or) { out_or := io.in }
  when(io.in > out_xor) { out_xor := io.in }
  io.out_and := out_and
  io.out_or := out_or
  io.out_xor := out_xor
}
