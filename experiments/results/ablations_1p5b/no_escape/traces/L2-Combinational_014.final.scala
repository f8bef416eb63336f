import chisel3._
import chisel3.util._

class Adder16bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(16.W))
    val b    = Input(UInt(16.W))
    val sum  = Output(UInt(17.W))
  })
  val carry = RegInit(false.B)
  val sum1 = io.a +& io.b
  val sum2 = sum1 + carry
  val sum3 = sum2 +& carry
  val sum4 = sum3 +& carry
  val sum5 = sum4 +& carry
  val sum6 = sum5 +& carry
  val sum7 = sum6 +& carry
  val sum8 = sum7 +& carry
  val sum9 = sum8 +& carry
  val sum10 = sum9 +& carry
  val sum11 = sum10 +& carry
  val sum12 = sum11 +& carry
  val sum13 = sum12 +& carry
  val sum14 = sum13 +& carry
  val sum15 = sum14 +& carry
  val sum16 = sum15 +& carry
  val sum17 = sum16 +& carry
  io.sum := sum17
}
