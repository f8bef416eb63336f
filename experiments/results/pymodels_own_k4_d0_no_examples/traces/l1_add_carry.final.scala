import chisel3._
import chisel3.util._

class AddCarry8(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(width.W))
    val b = Input(UInt(width.W))
    val cin = Input(Bool())
    val sum = Output(UInt(width.W))
    val cout = Output(Bool())
  })
  val a_b_cin = io.a & io.b & io.cin
  val a_b = io.a & io.b
  val a_cin = io.a & io.cin
  val b_cin = io.b & io.cin
  val a_b_cin_sum = a_b_cin.asSInt + a_b.asSInt + a_cin.asSInt + b_cin.asSInt
  io.sum := a_b_cin_sum.asUInt & (1.U(width.W) - 1.U(width.W))
  io.cout := a_b_cin_sum.asUInt & 1.U(width.W)
}
