import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(Bool())
  })
  val reg0  = RegInit(false.B)
  val reg1  = RegInit(false.B)
  val reg2  = RegInit(false.B)
  val reg3  = RegInit(false.B)
  val reg4  = RegInit(false.B)
  val reg5  = RegInit(false.B)
  val reg6  = RegInit(false.B)
  val reg7  = RegInit(false.B)

  when(io.in) {
    reg7 := reg6
    reg6 := reg5
    reg5 := reg4
    reg4 := reg3
    reg3 := reg2
    reg2 := reg1
    reg1 := reg0
    reg0 := true.B
  }

  io.out := reg0
}
