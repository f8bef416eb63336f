import chisel3._
import chisel3.util._

class PackFields extends Module {
  val io = IO(new Bundle {
    val op = Input(UInt(3.W))
    val rd = Input(UInt(5.W))
    val imm = Input(UInt(8.W))
    val word = Output(UInt(16.W))
    val swapped = Output(UInt(16.W))
  })

  io.word := Cat(io.op, io.rd, io.imm)
  io.swapped := Cat(io.imm, io.rd, io.op)
}
