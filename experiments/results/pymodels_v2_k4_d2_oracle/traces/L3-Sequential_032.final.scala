import chisel3._
import chisel3.util._

class ShiftReg4stage_8bit extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })

  val reg1 = RegInit(0.U(8.W))
  val reg2 = RegInit(0.U(8.W))
  val reg3 = RegInit(0.U(8.W))
  val reg4 = RegInit(0.U(8.W))

  reg1 := RegNext(reg2)
  reg2 := RegNext(reg3)
  reg3 := RegNext(reg4)
  reg4 := RegNext(Cat(reg1, reg2, reg3, reg4))

  io.out := reg4
}
