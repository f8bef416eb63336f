import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x   = Input(UInt(4.W))
    val y   = Input(UInt(4.W))
    val sum = Output(UInt(5.W))
  })
  val carry = RegInit(false.B)
  val sum = RegInit(0.U(5.W))
  for (i <- 0 until 4) {
    val bit = io.x(i) ^ io.y(i) ^ carry
    carry := (bit & io.x(i)) | (bit & io.y(i)) | (bit & carry)
    sum := sum + (bit << i)
  }
  io.sum := sum
}
