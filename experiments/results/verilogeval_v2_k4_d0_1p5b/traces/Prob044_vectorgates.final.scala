import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(3.W))
    val b = Input(UInt(3.W))
    val out_or_bitwise = Output(UInt(3.W))
    val out_or_logical = Output(UInt(3.W))
    val out_not = Output(UInt(6.W))
  })
  // registers with reset values
  val a_reg = RegInit(0.U(3.W))
  val b_reg = RegInit(0.U(3.W))
  val out_or_bitwise_reg = RegInit(0.U(3.W))
  val out_or_logical_reg = RegInit(0.U(3.W))
  val out_not_reg = RegInit(0.U(6.W))

  // drive every output on every path
  out_or_bitwise_reg := a_reg ^ b_reg
  out_or_logical_reg := a_reg | b_reg
  out_not_reg := Cat(b_reg.asUInt, a_reg.asUInt)

  io.out_or_bitwise := out_or_bitwise_reg
  io.out_or_logical := out_or_logical_reg
  io.out_not := out_not_reg
}
