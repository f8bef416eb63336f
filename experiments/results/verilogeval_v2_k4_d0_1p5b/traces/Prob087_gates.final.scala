import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val out_and = Output(Bool())
    val out_or = Output(Bool())
    val out_xor = Output(Bool())
    val out_nand = Output(Bool())
    val out_nor = Output(Bool())
    val out_xnor = Output(Bool())
    val out_anotb = Output(Bool())
  })
  val out_and = io.a & io.b
  val out_or = io.a | io.b
  val out_xor = io.a ^ io.b
  val out_nand = !io.a & !io.b
  val out_nor = !io.a | !io.b
  val out_xnor = !io.a ^ !io.b
  val out_anotb = io.a & (!io.b)
  io.out_and := out_and
  io.out_or := out_or
  io.out_xor := out_xor
  io.out_nand := out_nand
  io.out_nor := out_nor
  io.out_xnor := out_xnor
  io.out_anotb := out_anotb
}
