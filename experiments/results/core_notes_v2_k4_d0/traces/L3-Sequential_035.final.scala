import chisel3._
import chisel3.util._

class FSMOnOff extends Module {
  val io = IO(new Bundle {
    val toggle  = Input(Bool())
    val state    = Output(UInt(1.W))
  })

  val sOFF :: sON :: Nil = Enum(2)
  val stateReg = RegInit(sOFF)

  when(io.toggle) {
    switch(stateReg) {
      is(sOFF) {
        stateReg := sON
      }
      is(sON) {
        stateReg := sOFF
      }
    }
  }
  io.state := stateReg
}
