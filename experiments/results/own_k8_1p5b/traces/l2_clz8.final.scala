import chisel3._
import chisel3.util._

class Clz8 extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(8.W))
    val count = Output(UInt(4.W))
  })
  val ones = io.in & 0x55555555.U
  val twos = io.in & 0x33333333.U
  val fours = io.in & 0x0f0f0f0f.U
  val eights = io.in & 0x000000ff.U
  io.count := 7.U - (ones + twos + fours + eights)
}
