import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })

  val reg = RegInit(UInt(1.W))
  reg := Cat(reg(6, 0), io.in)
  io.out := reg(0)
}
