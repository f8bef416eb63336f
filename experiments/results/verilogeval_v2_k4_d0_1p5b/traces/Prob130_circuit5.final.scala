import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(4.W))
    val b = Input(UInt(4.W))
    val c = Input(UInt(4.W))
    val d = Input(UInt(4.W))
    val e = Input(UInt(4.W))
    val q = Output(UInt(4.W))
  })
  val q = RegInit(0.U(4.W))
  val a_xor_b = io.a ^ io.b
  val b_xor_c = io.b ^ io.c
  val c_xor_d = io.c ^ io.d
  val d_xor_e = io.d ^ io.e
  val q_xor_a_xor_b = q ^ a_xor_b
  val q_xor_b_xor_c = q ^ b_xor_c
  val q_xor_c_xor_d = q ^ c_xor_d
  val q_xor_d_xor_e = q ^ d_xor_e
  val q_xor_a_xor_b_xor_c_xor_d_xor_e = q ^ a_xor_b_xor_c_xor_d_xor_e
  q := q_xor_a_xor_b_xor_c_xor_d_xor_e
  io.q := q
}
