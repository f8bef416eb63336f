import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(4.W))
    val out_and = Output(UInt(1.W))
    val out_or  = Output(UInt(1.W))
    val out_xor = Output(UInt(1.W))
  })
  val out_and = RegInit(false.B)
  val out_or  = RegInit(false.B)
  val out_xor = RegInit(false.B)
  out_and := io.in & io.in
  out_or  := io.in | io.in
  out_xor := io.in ^ io.in
  io.out_and := out_and
  io.out_or := out_or
  io.out_xor := out_xor
}
