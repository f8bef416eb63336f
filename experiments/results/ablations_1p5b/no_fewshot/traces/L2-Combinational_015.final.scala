import chisel3._
import chisel3.util._

class Adder32bit extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(32.W))
    val b = Input(UInt(32.W))
    val sum = Output(UInt(33.W))
  })

  val carry = RegInit(0.U(1.W))
  val sumNoCarry = io.a + io.b
  val sum = sumNoCarry + carry

  // Fix: drive every output on every path
  io.sum := sumNoCarry + carry

  carry := sumNoCarry.asUInt & 1.U
}
