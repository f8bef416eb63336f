import chisel3._
import chisel3.util._

class Alu4 extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(4.W))
    val b    = Input(UInt(4.W))
    val op = Input(UInt(3.W))
    val out = Output(UInt(4.W))
    val zero = Output(Bool())
  })
  val add = RegInit(0.U(4.W))
  val sub = RegInit(0.U(4.W))
  val and = RegInit(0.U(4.W))
  val or = RegInit(0.U(4.W))
  val xor = RegInit(0.U(4.W))
  val slt = RegInit(0.U(1.W))
  when(io.op === 0.U) { add := io.a + io.b }
  when(io.op === 1.U) { sub := io.a - io.b }
  when(io.op === 2.U) { and := io.a & io.b }
  when(io.op === 3.U) { or := io.a | io.b }
  when(io.op === 4.U) { xor := io.a ^ io.b }
  when(io.op === 5.U) { slt := io.a < io.b }
  io.out := add
  io.zero := io.out === 0.U
}
