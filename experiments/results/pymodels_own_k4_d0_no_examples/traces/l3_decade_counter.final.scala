import chisel3._
import chisel3.util._

class DecadeCounter extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(4.W))
    val carry = Output(Bool())
  })
  val reg = RegInit(0.U(4.W))
  val carryReg = RegEnable(reg + 1.U, io.en)
  reg := carryReg
  io.count := reg
  io.carry := carryReg
}
